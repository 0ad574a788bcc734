/**
 * /work/shared/data/ficha-zanahoria-sample.csv as the treasurers keep it (made-up figures):
 * its last row declares a Valor of 125,000 where 1 × 120,000 is 120,000, on purpose.
 */
export const FICHA_ZANAHORIA_SAMPLE = `Labor/Insumo;Época;Cantidad;Unidad;Precio ($/Un);Valor ($)
MANO DE OBRA;;;;;
Preparación de suelo;Agosto;4;JH;25000;100000
Siembra;Septiembre;2;JH;25000;50000
Riegos;Sept-Dic;6;JH;25000;150000
Desmalezado;Octubre;8;JH;25000;200000
Cosecha y ensacado;Diciembre;10;JH;25000;250000
MAQUINARIA Y TRACCIÓN ANIMAL;;;;;
Aradura;Agosto;2;yunta;30000;60000
Surcado;Agosto;1;yunta;30000;30000
INSUMOS;;;;;
Semilla de zanahoria;Septiembre;2;kg;45000;90000
Guano;Agosto;40;saco;3500;140000
Sacos;Diciembre;400;saco;350;140000
OTROS;;;;;
Turnos de riego;Sept-Dic;10;turno;4000;40000
Flete a Calama;Diciembre;1;flete;120000;125000
`;
